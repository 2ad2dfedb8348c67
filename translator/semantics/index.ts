// Loads every semantics family into the registry; the translator imports SEMANTICS from here.

import './alu.js';
import './data.js';
import './control.js';

export { SEMANTICS, define } from './registry.js';
export type { Semantic, TranslateContext } from './registry.js';
