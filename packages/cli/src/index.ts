/** @module @mandate/cli (work in progress). */
export {};
