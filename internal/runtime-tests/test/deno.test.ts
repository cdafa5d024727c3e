import { serverRuntimeSuite } from '../src/serverRuntimeSuite.js';

serverRuntimeSuite('deno');
