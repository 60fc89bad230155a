/**
 * @module setup
 * Registers the Mandate matchers with vitest: list this file in `setupFiles`, or import it
 * from a setup file of your own. See `matchers/matchers` for the matchers themselves.
 */
import { expect } from 'vitest';
import { mandateMatchers } from './matchers/matchers.js';

expect.extend(mandateMatchers);
