"""The trust-CIK partitions every data asset shares (10-digit, zero-padded keys)."""

from dagster import DynamicPartitionsDefinition

CIK_PARTITIONS_NAME = "trust_cik"

cik_partitions = DynamicPartitionsDefinition(name=CIK_PARTITIONS_NAME)
