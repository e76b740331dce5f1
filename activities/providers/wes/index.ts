export { WesProvider } from './provider';
export { SUBMISSION_RECORD_FILE, type SubmissionRecord } from './submission';
