/** `@aws-sdk/core/client`'s `partition`, required by the Node build (see sdkCore.cjs). */
export declare const partition: (region: string) => unknown;
