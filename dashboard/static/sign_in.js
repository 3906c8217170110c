// The sign-in page (dashboard/auth.py): one press only. A second press would send the used link
// again with the cookie from before sign-in, and its answer (the refusal) would replace the first.
'use strict';
document.querySelectorAll('form[data-once]').forEach((form) => {
  form.addEventListener('submit', () => {
    form.querySelectorAll('button[type=submit]').forEach((button) => { button.disabled = true; });
  });
});
