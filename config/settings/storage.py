"""Documents and decrees in an S3-compatible bucket (AWS S3, MinIO, Ceph...): STORAGE_BACKEND=s3.

Private objects, reached only through the application's views. Credentials: AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY in the environment (read by boto3) or the host's instance role. Needs the `s3`
extra installed. Used by config/settings/production.py and by the suite's test against an
S3-protocol server (permits/decrees/tests/test_object_storage.py), so both build the same storage.
"""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured


def s3_storage(environ: Mapping[str, str]) -> dict:
    """The STORAGES entry for the bucket that `environ` names."""
    if not environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,  # e.g. https://minio.internal:9000
            "region_name": environ.get("AWS_S3_REGION_NAME") or None,
            "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE") or None,  # "path" for most MinIO setups
            "location": environ.get("AWS_LOCATION", "media"),
            "default_acl": None,  # the bucket's own (private) policy
            "file_overwrite": False,
            "querystring_auth": True,
            "signature_version": "s3v4",  # what AWS and most S3-compatible stores require
        },
    }
