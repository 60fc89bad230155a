/** @module @mandate/session (work in progress). */
export {};
