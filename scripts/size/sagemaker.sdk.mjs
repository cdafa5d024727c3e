// size-limit baseline: the bare SDK client, to measure what @dbp/aws-sagemaker adds (see .size-limit.cjs).
import { SageMakerClient } from '@aws-sdk/client-sagemaker';

new SageMakerClient({ region: 'us-east-1' });
