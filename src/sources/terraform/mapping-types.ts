// The mapping shapes live with the service catalog (src/catalog), whose files hold the tables; kept so imports stay as they were.
export type {
  Json,
  NamedConversion,
  MapConversion,
  PresenceConversion,
  LookupConversion,
  Conversion,
  PropertyMapping,
  IdRule,
  ResourceMapping,
  ExtensionMapping,
} from '../../catalog/index.js';
