// Applies the theme chosen in the navbar (src/lib/theme.ts) before the first paint, so a
// page never flashes in the other theme. The build inlines it into index.html
// (scripts/critical-css.ts); the gateway's Content-Security-Policy allows it by its hash.
(function () {
  try {
    var theme = window.localStorage.getItem('theme');
    if (theme === 'light' || theme === 'dark') document.documentElement.setAttribute('data-theme', theme);
  } catch (error) {
    // Storage is off (private browsing, blocked site data): the system's theme applies.
  }
})();
