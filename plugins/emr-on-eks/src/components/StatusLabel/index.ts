export {
  BudgetStateLabel,
  ClusterCheckStatusLabel,
  ClusterReadyLabel,
  JobRunStateLabel,
  StepStateLabel,
  TenantPhaseLabel,
} from './StatusLabel';
