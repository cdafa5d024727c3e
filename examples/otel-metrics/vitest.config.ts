import { defineTestConfig } from '../../vitest.shared.js';

export default defineTestConfig();
