import { SERVICES as MANIFEST, type ServicePackage } from '@dbp/aws-services';

/** The service packages the bench compares with their bare SDK clients: every entry of internal/services/services.json. */
export const SERVICES: readonly ServicePackage[] = MANIFEST;

/** Fixed, fake credentials for the parts that make no request. */
export const FAKE_CREDENTIALS = Object.freeze({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
