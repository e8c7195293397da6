export {
  ClusterCheckStatusLabel,
  ClusterReadyLabel,
  JobRunStateLabel,
  StepStateLabel,
  TenantPhaseLabel,
} from './StatusLabel';
