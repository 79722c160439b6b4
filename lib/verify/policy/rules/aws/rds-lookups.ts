/** What the RDS rules share. */
import { TerraformResourceInfo } from '../../types';

/** RDS resources the rules read: instances and Aurora clusters. */
export const RDS_TYPES = ['aws_db_instance', 'aws_rds_cluster'];

/** An instance that is a member of an Aurora cluster: storage, backups and protection are the cluster's. */
export function isClusterMember(resource: TerraformResourceInfo): boolean {
  return resource.type === 'aws_db_instance' && resource.body.cluster_identifier !== undefined;
}
