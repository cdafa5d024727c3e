import { defineConfig } from 'tsup';
import { defineBuild } from '../../tsup.config.base.js';

export default defineConfig(defineBuild({ index: 'src/index.ts', register: 'src/register.ts', document: 'src/document.ts' }));
