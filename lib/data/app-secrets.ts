import type { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeNagFinding } from '../compliance';

export interface AppSecretsProps {
  readonly environmentName: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The service's secrets in Secrets Manager, named `calling-agent/<env>/<name>`. The provider keys
 * and the MongoDB URI start as random placeholders: put the real values in before the voice
 * service's first deploy (docs/readme/infrastructure.md). The stream signing key stays generated.
 */
export class AppSecrets extends Construct {
  readonly mongodbUri: secretsmanager.Secret;
  readonly deepgramApiKey: secretsmanager.Secret;
  readonly openaiApiKey: secretsmanager.Secret;
  readonly elevenlabsApiKey: secretsmanager.Secret;
  readonly streamSigningKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: AppSecretsProps) {
    super(scope, id);
    const secret = (name: string, description: string): secretsmanager.Secret =>
      new secretsmanager.Secret(this, name, {
        secretName: `calling-agent/${props.environmentName}/${name}`,
        description,
        generateSecretString: { excludePunctuation: true, passwordLength: 48 },
        removalPolicy: props.removalPolicy,
      });
    this.mongodbUri = secret('mongodb-uri', 'MongoDB connection string (MONGODB_URI); set it to the Atlas URI');
    this.deepgramApiKey = secret('deepgram-api-key', 'Deepgram API key (DEEPGRAM_API_KEY)');
    this.openaiApiKey = secret('openai-api-key', 'OpenAI API key (OPENAI_API_KEY)');
    this.elevenlabsApiKey = secret('elevenlabs-api-key', 'ElevenLabs API key (ELEVENLABS_API_KEY)');
    this.streamSigningKey = secret('stream-signing-key', 'HMAC key signing Exotel stream URLs (STREAM_SIGNING_KEY)');
    acknowledgeNagFinding(
      this,
      'SMG4',
      'Provider API keys and the Atlas URI are issued by third parties with no rotation API for a Lambda to call; the stream signing key rotates by key id (STREAM_SIGNING_PREVIOUS_KEY) in a runbook, since both webhook and service must switch together.',
    );
  }

  /** Secrets whose values an operator must set by hand (everything except generated keys). */
  operatorManaged(): secretsmanager.Secret[] {
    return [this.mongodbUri, this.deepgramApiKey, this.openaiApiKey, this.elevenlabsApiKey];
  }
}
