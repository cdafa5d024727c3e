// size-limit entry: the minimal import of @dbp/aws-bedrock and one call (see .size-limit.cjs).
import { getBedrockRuntimeClient } from '@dbp/aws-bedrock';

getBedrockRuntimeClient({ region: 'us-east-1' });
