// size-limit baseline: the bare SDK client, to measure what @dbp/aws-bedrock adds (see .size-limit.cjs).
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';

new BedrockRuntimeClient({ region: 'us-east-1' });
