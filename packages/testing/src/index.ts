/** @module @mandate/testing (work in progress). */
export {};
