// Size budgets (`pnpm size`; CI runs them through scripts/size.mjs).
//
// For each service package: the browser bundle (esbuild, platform browser,
// minified, gzip level 9) of its minimal import and one call, built from the
// published files (dist/, resolved through the package's `exports` and the
// core's `#runtime` browser condition). Each has a budget a little above the
// measured size (kB = 1000 bytes). Right after it, without a budget, the bare
// SDK client (`new XClient(...)`); scripts/size.mjs pairs the two, prints the
// difference (the core's overhead) and fails when it exceeds its budget.
const services = [
  { file: 's3', pkg: '@dbp/aws-s3', call: 'getS3Client', sdk: '@aws-sdk/client-s3', client: 'S3Client', limit: '93 kB' },
  { file: 'dynamodb', pkg: '@dbp/aws-dynamodb', call: 'getDynamoDBClient', sdk: '@aws-sdk/client-dynamodb', client: 'DynamoDBClient', limit: '68 kB' },
  {
    file: 'bedrock',
    pkg: '@dbp/aws-bedrock',
    call: 'getBedrockRuntimeClient',
    sdk: '@aws-sdk/client-bedrock-runtime',
    client: 'BedrockRuntimeClient',
    limit: '74 kB',
  },
  { file: 'sagemaker', pkg: '@dbp/aws-sagemaker', call: 'getSageMakerClient', sdk: '@aws-sdk/client-sagemaker', client: 'SageMakerClient', limit: '59.5 kB' },
  { file: 'athena', pkg: '@dbp/aws-athena', call: 'getAthenaClient', sdk: '@aws-sdk/client-athena', client: 'AthenaClient', limit: '59.5 kB' },
];

module.exports = services.flatMap(({ file, pkg, call, sdk, client, limit }) => [
  { name: `${pkg}: ${call}()`, path: `scripts/size/${file}.mjs`, gzip: true, limit },
  { name: `${sdk}: new ${client}() (baseline)`, path: `scripts/size/${file}.sdk.mjs`, gzip: true },
]);
