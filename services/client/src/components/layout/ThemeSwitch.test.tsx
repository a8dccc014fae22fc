import prePaintScript from '../../../public/theme.js?raw';

import { renderApp, screen } from '@/testing/test-utils';

const theme = () => document.documentElement.getAttribute('data-theme');

describe('Theme switch', () => {
  it('follows the system until the user picks a theme, and remembers the pick', async () => {
    const { user } = await renderApp('/about');
    const select = screen.getByRole('combobox', { name: 'Theme' });
    expect(select).toHaveValue('system');
    expect(theme()).toBeNull();

    await user.selectOptions(select, 'Dark');
    expect(theme()).toBe('dark');
    expect(window.localStorage.getItem('theme')).toBe('dark');

    await user.selectOptions(select, 'Light');
    expect(theme()).toBe('light');
    expect(window.localStorage.getItem('theme')).toBe('light');

    await user.selectOptions(select, 'System');
    expect(theme()).toBeNull();
    expect(window.localStorage.getItem('theme')).toBeNull();
  });

  it('starts from the theme picked on an earlier visit', async () => {
    window.localStorage.setItem('theme', 'dark');
    await renderApp('/about');
    expect(screen.getByRole('combobox', { name: 'Theme' })).toHaveValue('dark');
  });

  it('is applied by the script in the page head before the app runs', () => {
    window.localStorage.setItem('theme', 'dark');
    new Function(prePaintScript)();
    expect(theme()).toBe('dark');

    document.documentElement.removeAttribute('data-theme');
    window.localStorage.setItem('theme', 'sepia');
    new Function(prePaintScript)();
    expect(theme()).toBeNull();
  });

  it('still switches when the browser keeps no site data', async () => {
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    });
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    });
    const { user } = await renderApp('/about');
    const select = screen.getByRole('combobox', { name: 'Theme' });
    expect(select).toHaveValue('system');

    await user.selectOptions(select, 'Dark');
    expect(theme()).toBe('dark');
    expect(select).toHaveValue('dark');
    expect(() => new Function(prePaintScript)()).not.toThrow();
  });
});
