// Runs inside the page under test, in every engine (sent as text, so no build step touches it):
// finds what a person finds by the words on the screen — a field by its label, a choice by its
// label, a button or link by its text, a heading by its words.

function norm(s) {
  return (s || '').replace(/\s+/g, ' ').trim();
}

function shown(el) {
  if (!el || !el.getClientRects().length) return false;
  return getComputedStyle(el).visibility !== 'hidden';
}

// "Email address *" and "Middle name (optional)" are read as "Email address" and "Middle name".
function labelWords(label) {
  return norm(label.textContent).replace(/\s*(\*|\([^)]*\))$/, '');
}

function controlOf(label) {
  return label.control || (label.htmlFor ? document.getElementById(label.htmlFor) : null);
}

// A text field, select or file field by its label's words.
function findField(words) {
  var labels = document.querySelectorAll('label');
  for (var i = 0; i < labels.length; i++) {
    var c = controlOf(labels[i]);
    if (!c || c.type === 'radio' || c.type === 'checkbox' || c.type === 'hidden') continue;
    if (labelWords(labels[i]) === words) return c;
  }
  return null;
}

// The label of a radio button or checkbox whose words begin with these (a description may follow).
function findChoice(words) {
  var labels = document.querySelectorAll('label');
  for (var i = 0; i < labels.length; i++) {
    var c = controlOf(labels[i]);
    if (!c || (c.type !== 'radio' && c.type !== 'checkbox')) continue;
    if (norm(labels[i].textContent).indexOf(words) === 0 && shown(labels[i])) return labels[i];
  }
  return null;
}

// A button or link that shows exactly these words (or, failing that, begins with them).
function findAction(words) {
  var all = document.querySelectorAll('a[href], button, input[type="submit"]');
  var starts = null;
  for (var i = 0; i < all.length; i++) {
    var el = all[i];
    if (!shown(el)) continue;
    var text = norm(el.tagName === 'INPUT' ? el.value : el.textContent);
    if (text === words) return el;
    if (!starts && text.indexOf(words) === 0) starts = el;
  }
  return starts;
}

function hasHeading(words) {
  var hs = document.querySelectorAll('h1, h2');
  for (var i = 0; i < hs.length; i++) if (norm(hs[i].textContent) === words && shown(hs[i])) return true;
  return false;
}

// The words as shown; innerText follows CSS text-transform (USWDS tags are in capitals), so case is ignored.
function hasText(words) {
  return norm(document.body ? document.body.innerText : '').toLowerCase().indexOf(norm(words).toLowerCase()) >= 0;
}
