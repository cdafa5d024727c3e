/** Browser bundle: at most this much gzip over the bare SDK client, per service, in a production build. */
export declare const WEB_OVERHEAD_TARGET_BYTES: number;
/** Lambda bundle: at most this much minified over the same handler with bare SDK clients. */
export declare const LAMBDA_OVERHEAD_TARGET_BYTES: number;
/** The two handlers the Lambda figures compare, relative to the repository's root: the example function and its bare-SDK twin. */
export declare const LAMBDA_HANDLERS: { readonly example: string; readonly bare: string };
