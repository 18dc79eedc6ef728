// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  document.documentElement.classList.remove('no-js');
  // Move focus to the error summary so screen readers announce it.
  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
  // Stop a second click on a submit button from sending the form twice (the server also guards).
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (form.dataset.submitted === 'true') { e.preventDefault(); return; }
    form.dataset.submitted = 'true';
  });
})();
