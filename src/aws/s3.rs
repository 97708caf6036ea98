//! S3 actions.

use super::request::{Action, Request, Response, s3};

/// `HeadBucket`: does the bucket exist and may we use it.
pub struct HeadBucket {
    pub bucket: String,
}

impl Action for HeadBucket {
    type Output = ();

    fn request(&self) -> Request {
        s3("HEAD", "HeadBucket", &self.bucket, None)
    }

    fn parse(&self, _response: Response) -> Result<(), String> {
        Ok(())
    }
}
