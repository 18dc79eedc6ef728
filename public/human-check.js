// ACC-1: solves the registration page's proof of work in the browser, so a person with
// JavaScript never has to answer the question. Without JavaScript the question stays.
// The search (tens of thousands of hashes) runs in a worker started from this same file, so the
// page stays responsive on a slow phone; where workers are missing it runs on the page itself.
(function () {
  'use strict';

  function zeroBits(buf) {
    var bytes = new Uint8Array(buf);
    var n = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { n += 8; continue; }
      n += Math.clz32(bytes[i]) - 24;
      break;
    }
    return n;
  }

  function solve(challenge, bits) {
    var enc = new TextEncoder();
    function search(start) {
      var batch = [];
      for (var n = start; n < start + 200; n++) batch.push(n);
      return Promise.all(batch.map(function (n) {
        return crypto.subtle.digest('SHA-256', enc.encode(challenge + ':' + n)).then(function (d) { return zeroBits(d) >= bits ? n : -1; });
      })).then(function (results) {
        for (var i = 0; i < results.length; i++) if (results[i] >= 0) return results[i];
        return search(start + 200);
      });
    }
    return search(0);
  }

  // Inside the worker: answer the one question asked, then end.
  if (typeof document === 'undefined') {
    self.onmessage = function (e) {
      // null: this worker cannot hash, and the page does it itself.
      if (!self.crypto || !self.crypto.subtle || !self.TextEncoder) { self.postMessage(null); self.close(); return; }
      solve(e.data.challenge, e.data.bits).then(function (nonce) { self.postMessage(nonce); self.close(); });
    };
    return;
  }

  var form = document.querySelector('form[data-pow-challenge]');
  if (!form || !window.crypto || !window.crypto.subtle || !window.TextEncoder) return;
  var challenge = form.getAttribute('data-pow-challenge');
  var bits = parseInt(form.getAttribute('data-pow-bits'), 10);
  var field = form.querySelector('input[name="pow"]');
  var question = document.getElementById('human-question');
  var script = document.currentScript;

  function done(nonce) {
    field.value = String(nonce);
    // A question that carries an error message stays visible: the error summary links to it.
    if (question && !question.querySelector('.usa-form-group--error')) question.classList.add('app-hidden');
  }

  var worker = null;
  try {
    if (window.Worker && script && script.src) worker = new Worker(script.src);
  } catch (e) {
    worker = null;
  }
  if (!worker) { solve(challenge, bits).then(done); return; }
  var fellBack = false;
  function onThePage() { if (!fellBack) { fellBack = true; solve(challenge, bits).then(done); } }
  worker.onmessage = function (e) { if (e.data === null) onThePage(); else done(e.data); };
  worker.onerror = onThePage;
  worker.postMessage({ challenge: challenge, bits: bits });
})();
