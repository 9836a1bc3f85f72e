/**
 * Imported before any module that loads the AWS SDK: Node's http.request is
 * wrapped before the SDK first sees it (request-tagging.ts).
 */
import { installRequestTagging } from './request-tagging';

installRequestTagging();
