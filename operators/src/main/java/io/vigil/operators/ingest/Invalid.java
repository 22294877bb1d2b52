package io.vigil.operators.ingest;

import io.vigil.schemas.DeadLetterReason;

/** Why a decoded record cannot be used: the dead-letter reason and a message for people. */
record Invalid(DeadLetterReason reason, String message) {}
