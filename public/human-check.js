// ACC-1: solves the registration page's proof of work in the browser, so a person with
// JavaScript never has to answer the question. Without JavaScript the question stays.
(function () {
  'use strict';
  var form = document.querySelector('form[data-pow-challenge]');
  if (!form || !window.crypto || !window.crypto.subtle || !window.TextEncoder) return;
  var challenge = form.getAttribute('data-pow-challenge');
  var bits = parseInt(form.getAttribute('data-pow-bits'), 10);
  var field = form.querySelector('input[name="pow"]');
  var question = document.getElementById('human-question');
  var enc = new TextEncoder();

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

  search(0).then(function (nonce) {
    field.value = String(nonce);
    // A question that carries an error message stays visible: the error summary links to it.
    if (question && !question.querySelector('.usa-form-group--error')) question.classList.add('app-hidden');
  });
})();
