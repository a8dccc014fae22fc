import { describe, expect, it } from 'vitest';

import { dropUnusedVariables } from './unused-css-variables.ts';

const kept = (sheets: Record<string, string>) => Object.fromEntries(dropUnusedVariables(new Map(Object.entries(sheets))));

describe('Unused CSS custom properties', () => {
  it('go, and the ones a rule reads stay', () => {
    expect(kept({ 'a.css': ':root{--read:1px;--unread:2px}.box{margin:var(--read)}' })).toEqual({
      'a.css': ':root{--read:1px}.box{margin:var(--read)}',
    });
  });

  it('stay when another property that is read refers to them, in any stylesheet', () => {
    const theme = ':root{--h:171;--l:41%;--primary:hsl(var(--h),100%,var(--l));--shade-05:hsl(var(--h),100%,5%)}';
    expect(kept({ 'shell.css': theme, 'page.css': '.button{color:var(--primary)}' })).toEqual({
      'shell.css': ':root{--h:171;--l:41%;--primary:hsl(var(--h),100%,var(--l))}',
      'page.css': '.button{color:var(--primary)}',
    });
  });

  it('stay when a fallback names them', () => {
    const css = ':root{--a:red;--b:blue}.x{color:var(--missing, var( --b))}';
    expect(kept({ 'a.css': css })).toEqual({ 'a.css': ':root{--b:blue}.x{color:var(--missing, var( --b))}' });
  });

  it('leave no empty rule or media query behind', () => {
    const css = ':root{--unread:1}@media (prefers-color-scheme:dark){:root:not([data-theme=light]){--unread:2}}p{margin:0}';
    expect(kept({ 'a.css': css })).toEqual({ 'a.css': 'p{margin:0}' });
  });

  it('are read in every theme alike', () => {
    const css = ':root{--text:#333}:root[data-theme=dark]{--text:#eee}body{color:var(--text)}';
    expect(kept({ 'a.css': css })).toEqual({ 'a.css': css });
  });
});
