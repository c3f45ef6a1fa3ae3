// The console's only script, served as a file so the Content-Security-Policy can forbid inline
// script. It keeps the board current: each server-sent event (one per change in the audit trail
// or the state files) makes it fetch the board's columns again, as HTML the server rendered and
// escaped, and swap them in. No text from an event is ever put into the page as HTML.
(function () {
  'use strict';
  if (!document.getElementById('columns') || !window.EventSource) {
    return;
  }
  var live = document.getElementById('live');
  var busy = false;
  var again = false;

  function say(text) {
    if (live) {
      live.textContent = text;
    }
  }

  function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetch('/fragments/board', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) {
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('columns');
        var current = document.getElementById('columns');
        if (fresh && current) {
          current.replaceWith(document.importNode(fresh, true));
        }
      })
      .catch(function (e) {
        say('live updates: could not refresh the board (' + e.message + ')');
      })
      .finally(function () {
        busy = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  var source = new EventSource('/events');
  source.addEventListener('open', function () {
    say('live updates: on');
  });
  source.addEventListener('board', function (e) {
    var d = {};
    try {
      d = JSON.parse(e.data);
    } catch (ignored) {
      d = {};
    }
    say('live updates: on · last event ' + (d.time || '') + ' ' + (d.stage || '') + ' ' + (d.event || ''));
    refresh();
  });
  source.addEventListener('error', function () {
    say('live updates: reconnecting…');
  });
}());
