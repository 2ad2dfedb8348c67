// Loads every semantics family into the registry; the translator imports SEMANTICS from here.

import './alu.js';
import './data.js';
import './control.js';
import './shift.js';
import './muldiv.js';
import './bits.js';
import './atomic.js';
import './string.js';
import './bcd.js';
import './segments.js';
import './extensions.js';
import './x87.js';
import './x87-control.js';

export { SEMANTICS, define } from './registry.js';
export type { Semantic, TranslateContext } from './registry.js';
