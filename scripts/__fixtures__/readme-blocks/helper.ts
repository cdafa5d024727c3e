/** A module next to the fixture, for the blocks' relative imports. */
export const greeting: string = 'hello';
