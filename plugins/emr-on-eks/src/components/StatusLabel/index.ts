export {
  JobRunStateLabel,
  StepStateLabel,
  TenantPhaseLabel,
} from './StatusLabel';
