// Version converters for the built-in kinds served at more than one group/version.
export { hpaV1Converter, hpaV1ToV2, hpaV2ToV1 } from './hpa.js';
export {
  BEHAVIOR_SPECS_ANNOTATION,
  CONDITIONS_ANNOTATION,
  DEFAULT_CPU_UTILIZATION,
  METRIC_SPECS_ANNOTATION,
  METRIC_STATUSES_ANNOTATION,
} from './hpa.js';
export { coreEventToEventsV1, eventsV1Converter, eventsV1ToCoreEvent } from './events.js';
