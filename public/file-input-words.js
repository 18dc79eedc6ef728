// The file field's own words in the page's language (LNG-1). USWDS's file-input script writes
// them in English: "Drag files here or choose from folder", "No files selected.", "Change file"…
// The server puts the page's words on each input (data-file-*; USWDS itself reads
// data-errormessage), and this script writes them in place of USWDS's each time USWDS writes:
// when it builds the field, when files are chosen, and when the pointer changes.
// Progressive enhancement only: without JavaScript the browser's own field is shown.
(function () {
  'use strict';
  if (!window.MutationObserver || !Element.prototype.closest) return;
  var inputs = document.querySelectorAll('input[data-file-words]');
  if (!inputs.length) return;
  var lang = document.documentElement.lang || 'en';
  var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  var isOne = function (n) { return rules ? rules.select(n) === 'one' : n === 1; };
  var fill = function (template, count, names) {
    return String(template || '').replace('{count}', String(count)).replace('{names}', names);
  };
  var setText = function (el, text) {
    if (el && text && el.textContent !== text) el.textContent = text;
  };

  function apply(input) {
    var w = input.dataset;
    var zone = input.closest('.usa-file-input');
    // Before USWDS builds the field, the input itself carries the class: nothing to rewrite yet.
    if (!zone || zone === input) return;
    var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    var n = names.length;

    var instructions = zone.querySelector('.usa-file-input__instructions');
    var drag = instructions && instructions.querySelector('.usa-file-input__drag-text');
    var choose = instructions && instructions.querySelector('.usa-file-input__choose');
    setText(drag, w.fileDrag);
    setText(choose, drag ? w.fileChoose : w.fileChooseAlone);
    var invitation = drag ? w.fileDrag + ' ' + w.fileChoose : w.fileChooseAlone;

    // "Selected file <span>Change file</span>" / "2 files selected <span>Change files</span>"
    var heading = zone.querySelector('.usa-file-input__preview-heading');
    var change = isOne(n) ? w.fileChangeOne : w.fileChangeOther;
    if (heading && n > 0) {
      var title = fill(isOne(n) ? w.fileSelectedOne : w.fileSelectedOther, n, '') + ' ';
      var first = heading.firstChild;
      if (first && first.nodeType === 3 && first.nodeValue !== title) first.nodeValue = title;
      setText(heading.querySelector('.usa-file-input__choose'), change);
    }

    // What a screen reader hears. USWDS writes it a second after a choice, so that it is read out:
    // it is rewritten only when USWDS has written it, not ahead of USWDS.
    var status = zone.querySelector('.usa-sr-only');
    if (status && status.textContent !== status.getAttribute('data-file-said')) {
      var said = n === 0 ? w.fileNone : fill(isOne(n) ? w.fileStatusOne : w.fileStatusOther, n, names.join(', '));
      status.setAttribute('data-file-said', said);
      status.textContent = said;
    }

    // The field's name for screen readers, as USWDS sets it (a label named by id still comes first).
    if (input.hasAttribute('aria-label')) {
      var target = zone.querySelector('.usa-file-input__target');
      var label = target && target.classList.contains('has-invalid-file')
        ? w.errormessage + ' ' + invitation
        : n === 0 ? invitation : change;
      if (input.getAttribute('aria-label') !== label) input.setAttribute('aria-label', label);
    }
  }

  Array.prototype.forEach.call(inputs, function (input) {
    // The field's group stays its ancestor when USWDS wraps the input.
    var root = input.closest('.usa-form-group') || input.parentNode;
    if (!root) return;
    new MutationObserver(function () { apply(input); }).observe(root, {
      subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-label', 'class'],
    });
    apply(input);
  });
})();
