import type { FastifyReply } from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { answered, handleForm, refuse } from './form-cycle.js';
import type { FormState } from '../views/context.js';

const Schema = z.object({ name: z.string().trim().min(1, 'test.nameRequired'), age: z.string() });

/** A reply that records where it was sent; the page "rendered" is returned as is. */
function fakeReply() {
  const sent: { location?: string; status?: number } = {};
  const reply = {
    redirect(location: string, status: number) {
      sent.location = location;
      sent.status = status;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}
const render = (form: FormState, status: number) => ({ form, status });

describe('the form-page cycle', () => {
  it('shows the form again at 400 with what was typed when a field is wrong, and never runs the submit', async () => {
    const { reply } = fakeReply();
    let ran = false;
    const submit = async () => {
      ran = true;
      return { ok: true as const, value: 1 };
    };
    const out = await handleForm(reply, { name: ' ', age: '9', _csrf: 'x' }, { parse: Schema, submit, render, redirectTo: () => '/done' });
    expect(out).toEqual({ form: { values: { name: ' ', age: '9' }, errors: { name: { key: 'test.nameRequired', params: undefined } } }, status: 400 });
    expect(ran).toBe(false);
  });

  it('shows a refusal beside its field with its status, keeping only what it is told to keep', async () => {
    const { reply } = fakeReply();
    const out = await handleForm(reply, { name: 'Ana', age: '9' }, {
      parse: Schema, keep: (v) => ({ name: v.name }), submit: async () => refuse('age', 'test.tooYoung', { min: 10 }, { status: 409 }), render, redirectTo: () => '/done',
    });
    expect(out).toMatchObject({ form: { values: { name: 'Ana' }, errors: { age: { key: 'test.tooYoung', params: { min: 10 } } } }, status: 409 });
  });

  it('goes on with a 303 to where the submit leads, or leaves alone an answer the submit sent itself', async () => {
    const done = fakeReply();
    await handleForm(done.reply, { name: 'Ana', age: '9' }, { parse: Schema, submit: async (d) => ({ ok: true, value: d.name }), render, redirectTo: (name) => `/people/${name}` });
    expect(done.sent).toEqual({ location: '/people/Ana', status: 303 });
    const own = fakeReply();
    const out = await handleForm(own.reply, { name: 'Ana', age: '9' }, { parse: Schema, submit: () => answered(null), render, redirectTo: () => '/done' });
    expect(out).toBe(own.reply);
    expect(own.sent).toEqual({});
  });
});
