import type { Deps } from '../../deps.js';
import type { ApplicationsTable, DecisionsTable } from '../../platform/db/schema.js';
import { localDate } from '../../platform/clock.js';
import type { AddressService } from '../addresses/service.js';
import type { Pages, Section } from '../../platform/modules.js';
import { relatedView } from './related.js';
import type { ApplicationsRepository } from './repository.js';

/** One request in a student's story, with everything a parent needs to read it. */
export interface StoryRequest {
  application: ApplicationsTable;
  districtName: string;
  related: Awaited<ReturnType<typeof relatedView>>;
  /** What the parent does next, as a message key and its values. */
  next: { key: string; params: Record<string, string> };
  /** What other modules show of the request (its permit and letters, the permit's life), registered at the top. */
  sections: Section;
}

export interface Story {
  residence: { districtSlug: string | null; districtName: string | null; schoolName: string | null; problem: string | null };
  /** The forms this student can start: the district of residence's kinds, and each other hosted district. */
  actions: { key: string; href: string; params: Record<string, string> }[];
  requests: StoryRequest[];
}

/**
 * ACC-6, DEC-11: one student's whole story for the parent — where the student lives, every
 * request of every kind with its decisions, letters and permits, and what to do next.
 */
export async function studentStory(deps: Deps, built: { repo: ApplicationsRepository; addresses: AddressService }, student: { id: string; account_id: string; address_line1: string; address_line2: string | null; zip: string; current_grade: string | null }, lang: 'en' | 'es', sections: Pages['storySections']): Promise<Story> {
  const home = await built.addresses.resolve({ line1: student.address_line1, line2: student.address_line2, zip: student.zip }, student.current_grade);
  const resident = home.kind === 'resolved' ? deps.districts.get(home.districtSlug) : undefined;
  const nameOf = (slug: string) => {
    const d = deps.districts.get(slug);
    return d ? (d.name[lang] ?? d.name.en) : slug;
  };
  const residence: Story['residence'] = {
    districtSlug: resident?.slug ?? null,
    districtName: resident ? nameOf(resident.slug) : null,
    schoolName: home.kind === 'resolved' && resident ? (resident.schools.find((s) => s.code === home.schoolCode)?.name ?? null) : null,
    problem: home.kind === 'resolved' ? null : `students.story.residence.${home.kind}`,
  };
  const q = `?student=${encodeURIComponent(student.id)}`;
  const actions: Story['actions'] = [];
  if (resident) {
    if (resident.windows.intra) actions.push({ key: 'students.story.actions.intra', href: `/apply/${resident.slug}/intra${q}`, params: { district: nameOf(resident.slug) } });
    if (resident.windows.outgoing) actions.push({ key: 'students.story.actions.outgoing', href: `/apply/${resident.slug}/outgoing${q}`, params: { district: nameOf(resident.slug) } });
  }
  for (const d of deps.districts.all) {
    if (d.slug !== resident?.slug && d.windows.incoming) actions.push({ key: 'students.story.actions.incoming', href: `/apply/${d.slug}${q}`, params: { district: nameOf(d.slug) } });
  }

  const { apps, decisions, permits, openInfoRequests: infoRequests } = await built.repo.storyOf(student.account_id, student.id);
  const requests: StoryRequest[] = [];
  for (const a of apps) {
    const district = deps.districts.get(a.district_id)!;
    const permit = permits.find((p) => p.application_id === a.id);
    const mine = decisions.filter((d) => d.application_id === a.id);
    const related = await relatedView(deps, built.repo, a, lang);
    requests.push({
      application: a,
      districtName: nameOf(a.district_id),
      related,
      next: nextStep(a, mine, infoRequests.find((r) => r.application_id === a.id)?.due_on, related.linked, localDate(deps.clock.now(), district.timeZone)),
      sections: await sections({ application: a, decisions: mine, permit: permit ?? null }),
    });
  }
  return { residence, actions, requests };
}

/** What the parent does next for a request, by its kind and status. */
function nextStep(a: ApplicationsTable, decisions: DecisionsTable[], infoDue: string | undefined, linked: StoryRequest['related']['linked'], today: string): StoryRequest['next'] {
  const last = decisions[decisions.length - 1];
  switch (a.status) {
    case 'incomplete':
      return { key: 'students.story.next.incomplete', params: {} };
    case 'info_requested':
      return { key: 'students.story.next.infoRequested', params: { due: infoDue ?? '' } };
    case 'submitted':
      return { key: a.kind === 'intra' ? 'students.story.next.waitingSchools' : 'students.story.next.waiting', params: {} };
    case 'approved':
      if (a.kind === 'outgoing') {
        if (linked) return { key: linked.status === 'approved' ? 'students.story.next.bothApproved' : 'students.story.next.releaseForwarded', params: { district: linked.districtName } };
        return { key: 'students.story.next.releaseApproved', params: {} };
      }
      return { key: 'students.story.next.approved', params: {} };
    case 'denied':
    case 'deemed_denied':
      return last?.appeal_until && last.appeal_until >= today
        ? { key: 'students.story.next.appeal', params: { until: last.appeal_until } }
        : { key: 'students.story.next.closed', params: {} };
    default:
      return { key: 'students.story.next.closed', params: {} };
  }
}
