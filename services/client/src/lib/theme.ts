/** The colour theme: the system's, or one the user picked in the navbar and keeps across visits. */

export type Theme = 'system' | 'light' | 'dark';

/** public/theme.js reads the same key and attribute to apply the theme before the first paint. */
const STORAGE_KEY = 'theme';
const ATTRIBUTE = 'data-theme';

export function storedTheme(): Theme {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

/** Applies the theme to the page and remembers it for the next visits. */
export function chooseTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === 'system') root.removeAttribute(ATTRIBUTE);
  else root.setAttribute(ATTRIBUTE, theme);
  try {
    if (theme === 'system') window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // Storage is off: the choice lasts until the page is left.
  }
}
