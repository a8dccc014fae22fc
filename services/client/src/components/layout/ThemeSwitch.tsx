import { useId, useState } from 'react';

import { chooseTheme, storedTheme, type Theme } from '@/lib/theme';

const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function ThemeSwitch() {
  const id = useId();
  const [theme, setTheme] = useState(storedTheme);

  const onChange = (value: string) => {
    const picked = THEMES.find((option) => option.value === value)?.value ?? 'system';
    chooseTheme(picked);
    setTheme(picked);
  };

  return (
    <div className="navbar-item theme-switch">
      <label className="is-sr-only" htmlFor={id}>
        Theme
      </label>
      <select id={id} value={theme} onChange={(event) => onChange(event.target.value)}>
        {THEMES.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
