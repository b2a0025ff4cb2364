import { devConfig } from '../../lib/config/environments/dev';
import { validateEnvironmentConfig } from '../../lib/config/load-environment-config';
import { resourcesOfType, synthesizeEnvironment, type SynthesizedEnvironment } from './support/synth-environment';

const ATLAS_SERVICE = 'com.amazonaws.vpce.ap-south-1.vpce-svc-0123456789abcdef0';

describe('Atlas over PrivateLink (when the config names an endpoint service)', () => {
  let synthesized: SynthesizedEnvironment;
  beforeAll(() => {
    const config = validateEnvironmentConfig({ ...devConfig, atlas: { privateLinkServiceName: ATLAS_SERVICE } });
    synthesized = synthesizeEnvironment(config);
  });

  it('creates an interface endpoint to the Atlas service with its own security group', () => {
    const { network } = synthesized.templates;
    network.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: ATLAS_SERVICE,
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: false,
    });
    network.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: 'MongoDB Atlas PrivateLink endpoint' });
    expect(Object.keys(network.findOutputs('AtlasVpcEndpointId'))).toEqual(['AtlasVpcEndpointId']);
  });

  it('opens the endpoint to the voice tasks only, on the Atlas PrivateLink port range', () => {
    const ingress = Object.values(resourcesOfType(synthesized.templates.service, 'AWS::EC2::SecurityGroupIngress')).filter((r) =>
      JSON.stringify(r.Properties['GroupId']).includes('AtlasEndpointSecurityGroup'),
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0]?.Properties).toMatchObject({ FromPort: 1024, ToPort: 65535, IpProtocol: 'tcp' });
    expect(JSON.stringify(ingress[0]?.Properties['SourceSecurityGroupId'])).toMatch(/VoiceSecurityGroup/);
  });

  it('still keeps fixed NAT egress IPs for the provider APIs', () => {
    synthesized.templates.network.resourceCountIs('AWS::EC2::EIP', devConfig.natGateways);
  });
});
