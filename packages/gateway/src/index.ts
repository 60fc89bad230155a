/** @module @mandate/gateway (work in progress). */
export {};
