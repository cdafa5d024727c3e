import type { ServicePackage } from './manifest.js';

export * from './manifest.js';

/** The service packages in manifest order; importing this module throws when manifest and workspace disagree. */
export declare const SERVICES: readonly ServicePackage[];
/** Writes a generated module into `<package>/.tmp/entries/<name>` and returns its absolute path. */
export declare function writeServiceEntry(service: ServicePackage, name: string, code: string, generator: string): string;
