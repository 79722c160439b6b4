// EncryptedStorageClass moved to lib/k8s/common (the data services and Prometheus use it); kept here for existing imports.
export { EBS_CSI_PROVISIONER, DEFAULT_ENCRYPTED_STORAGE_CLASS, EncryptedStorageClass } from '../common/encrypted-storage-class';
export type { EncryptedStorageClassProps } from '../common/encrypted-storage-class';
