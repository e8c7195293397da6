export { SubmitRunButton } from './SubmitRunButton';
