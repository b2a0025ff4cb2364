import { CfnOutput, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environment-config';
import { AtlasPrivateEndpoint } from './atlas-private-endpoint';

export interface NetworkStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/**
 * The VPC: public subnets for the ALB and NAT gateways, private subnets for tasks and Redis.
 * NAT gateways use Elastic IPs created (and retained) here, so the egress addresses stay fixed
 * across redeploys and can sit in the Atlas IP access list and provider allowlists.
 */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  /** Allocation ids of the NAT Elastic IPs, in AZ order. */
  readonly natElasticIps: ec2.CfnEIP[];
  readonly atlasEndpoint?: AtlasPrivateEndpoint;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.natElasticIps = Array.from({ length: config.natGateways }, (_, index) => {
      const eip = new ec2.CfnEIP(this, `NatEip${index + 1}`, {
        domain: 'vpc',
        tags: [{ key: 'Name', value: `calling-agent-${config.name}-nat-${index + 1}` }],
      });
      // Deleting an EIP breaks every allowlist that names it; keep it unless data is disposable.
      eip.applyRemovalPolicy(config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
      return eip;
    });

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(config.vpcCidr),
      availabilityZones: config.availabilityZones,
      natGateways: config.natGateways,
      natGatewayProvider: ec2.NatProvider.gateway({
        eipAllocationIds: this.natElasticIps.map((eip) => eip.attrAllocationId),
      }),
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      flowLogs: {
        rejected: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'FlowLogs', {
              retention: logs.RetentionDays.ONE_MONTH,
              removalPolicy: RemovalPolicy.DESTROY,
            }),
          ),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        },
      },
    });

    this.natElasticIps.forEach((eip, index) => {
      new CfnOutput(this, `NatEgressIp${index + 1}`, {
        value: eip.ref,
        description: 'Fixed egress IP: add it to the MongoDB Atlas IP access list (and provider allowlists).',
      });
    });
    new CfnOutput(this, 'NatEgressIps', {
      value: Fn.join(',', this.natElasticIps.map((eip) => eip.ref)),
      description: 'All NAT egress IPs, comma separated.',
    });

    if (config.atlas.privateLinkServiceName !== undefined) {
      this.atlasEndpoint = new AtlasPrivateEndpoint(this, 'AtlasEndpoint', {
        vpc: this.vpc,
        serviceName: config.atlas.privateLinkServiceName,
      });
      new CfnOutput(this, 'AtlasVpcEndpointId', {
        value: this.atlasEndpoint.endpoint.vpcEndpointId,
        description: 'Register this interface endpoint id with the Atlas private endpoint service.',
      });
    }
  }

  /** NAT gateway ids (for the cost report), read from the VPC's public subnets. */
  natGatewayIds(): string[] {
    return this.vpc.publicSubnets.flatMap((subnet) => {
      const gateway = subnet.node.tryFindChild('NATGateway');
      return gateway instanceof ec2.CfnNatGateway ? [gateway.ref] : [];
    });
  }
}
