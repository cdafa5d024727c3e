// size-limit entry: the minimal import of @dbp/aws-sagemaker and one call (see .size-limit.cjs).
import { getSageMakerClient } from '@dbp/aws-sagemaker';

getSageMakerClient({ region: 'us-east-1' });
