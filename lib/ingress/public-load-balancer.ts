import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeNagFinding } from '../compliance';

export interface PublicLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  /** HTTPS certificate; without it the listener is plain HTTP (the config allows that in dev only). */
  readonly certificateArn?: string;
  /** Long enough for a silent stretch of a call; WebSocket pings keep real calls well below it. */
  readonly idleTimeoutSec: number;
  readonly logsRemovalPolicy: RemovalPolicy;
}

/**
 * The internet-facing ALB Exotel talks to: one listener whose default answer is a fixed 404;
 * callers add path rules (see routes.ts). Access logs go to an encrypted, private S3 bucket,
 * which also receives S3 server access logs of the project's other buckets.
 */
export class PublicLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly logsBucket: s3.Bucket;
  /** `https` or `http`, matching the listener. */
  readonly scheme: 'https' | 'http';

  constructor(scope: Construct, id: string, props: PublicLoadBalancerProps) {
    super(scope, id);

    this.logsBucket = new s3.Bucket(this, 'LogsBucket', {
      // ALB access logs support SSE-S3 only.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: props.logsRemovalPolicy,
      autoDeleteObjects: props.logsRemovalPolicy === RemovalPolicy.DESTROY,
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      idleTimeout: Duration.seconds(props.idleTimeoutSec),
      dropInvalidHeaderFields: true,
      http2Enabled: true,
    });
    this.loadBalancer.logAccessLogs(this.logsBucket, 'alb');
    acknowledgeNagFinding(
      this.logsBucket,
      'S1',
      'This is the access-log destination itself; logging its own access would recurse.',
    );
    acknowledgeNagFinding(
      this.loadBalancer,
      'EC23',
      'Exotel reaches the webhook and media WebSocket from the internet. The webhook checks TRUSTED_CIDRS and rate limits; streams need a signed, expiring URL.',
    );

    const notFound = elbv2.ListenerAction.fixedResponse(404, {
      contentType: 'text/plain',
      messageBody: 'not found',
    });
    if (props.certificateArn !== undefined) {
      this.scheme = 'https';
      this.listener = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        defaultAction: notFound,
      });
      this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
    } else {
      this.scheme = 'http';
      this.listener = this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        defaultAction: notFound,
      });
    }
  }
}
