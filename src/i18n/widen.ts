/** The shape of a catalog object with any strings in it (for the second language's type). */
export type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
