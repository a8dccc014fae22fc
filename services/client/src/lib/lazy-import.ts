import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/**
 * A module of the app's own code could not be loaded: the connection dropped, or a new
 * deployment replaced the files this page was built with.
 */
export class ModuleLoadError extends Error {
  constructor(cause: unknown) {
    super('This part of the app could not be loaded.', { cause });
    this.name = 'ModuleLoadError';
  }
}

/**
 * A component that is fetched with its module the first time it renders, so it is not
 * part of the first download. Render it inside Suspense and an ErrorBoundary: a failed
 * load throws a ModuleLoadError.
 */
export function lazyImport<K extends string, P>(
  load: () => Promise<Record<K, ComponentType<P>>>,
  name: K,
): LazyExoticComponent<ComponentType<P>> {
  return lazy(async () => {
    let module: Record<K, ComponentType<P>>;
    try {
      module = await load();
    } catch (error) {
      throw new ModuleLoadError(error);
    }
    return { default: module[name] };
  });
}
