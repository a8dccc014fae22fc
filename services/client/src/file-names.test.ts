/**
 * How files are named: a component's file is named in PascalCase after the component it
 * exports; everything else (hooks, helpers, contexts, API modules, tests of no single
 * component) is kebab-case. No two modules share a name.
 */

const modules = import.meta.glob<Record<string, unknown>>(['./**/*.{ts,tsx}', '!./**/*.d.ts']);
const files = Object.keys(modules);

const PASCAL = /^[A-Z][A-Za-z0-9]*$/;
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const baseName = (file: string) => file.split('/').pop()!.split('.')[0]!;
const isTest = (file: string) => /\.test\.tsx?$/.test(file);

describe('File names', () => {
  it('are PascalCase or kebab-case', () => {
    const offenders = files.filter((file) => !PASCAL.test(baseName(file)) && !KEBAB.test(baseName(file)));
    expect(offenders).toEqual([]);
  });

  it('are PascalCase only for components, named after the component they export', async () => {
    const offenders: string[] = [];
    for (const file of files.filter((name) => PASCAL.test(baseName(name)) && !isTest(name))) {
      const exported = await modules[file]!();
      if (!file.endsWith('.tsx') || typeof exported[baseName(file)] !== 'function') offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });

  it('of a component test match the component beside it', () => {
    const offenders = files
      .filter((file) => isTest(file) && PASCAL.test(baseName(file)))
      .filter((file) => !files.includes(file.replace(/\.test\.tsx?$/, '.tsx')));
    expect(offenders).toEqual([]);
  });

  it('are never shared by two modules', () => {
    const seen = new Map<string, string[]>();
    for (const file of files.filter((name) => !isTest(name) && baseName(name) !== 'index')) {
      seen.set(baseName(file), [...(seen.get(baseName(file)) ?? []), file]);
    }
    expect([...seen.values()].filter((paths) => paths.length > 1)).toEqual([]);
  });
});
