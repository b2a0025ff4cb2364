import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export interface AtlasPrivateEndpointProps {
  readonly vpc: ec2.IVpc;
  /** The Atlas project's endpoint service name (Atlas UI: Network Access -> Private Endpoint). */
  readonly serviceName: string;
}

/**
 * An interface VPC endpoint to a MongoDB Atlas PrivateLink endpoint service. Atlas maps each
 * cluster node to its own port on the endpoint, so clients need the 1024-65535 range; callers
 * open it with `endpoint.connections.allowFrom(...)` for their own security group only.
 */
export class AtlasPrivateEndpoint extends Construct {
  readonly endpoint: ec2.InterfaceVpcEndpoint;
  readonly securityGroup: ec2.SecurityGroup;
  static readonly PORTS = ec2.Port.tcpRange(1024, 65535);

  constructor(scope: Construct, id: string, props: AtlasPrivateEndpointProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'MongoDB Atlas PrivateLink endpoint',
      allowAllOutbound: false,
    });
    this.endpoint = new ec2.InterfaceVpcEndpoint(this, 'Endpoint', {
      vpc: props.vpc,
      service: new ec2.InterfaceVpcEndpointService(props.serviceName),
      subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      // Atlas connection strings use Atlas-managed private hostnames, not the endpoint's DNS.
      privateDnsEnabled: false,
      open: false,
    });
  }
}
